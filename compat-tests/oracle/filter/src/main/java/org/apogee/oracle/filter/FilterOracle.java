package org.apogee.oracle.filter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.rocketmq.filter.expression.EvaluationContext;
import org.apache.rocketmq.filter.expression.Expression;
import org.apache.rocketmq.filter.parser.SelectorParser;

/**
 * Golden vectors for Apogee's SQL92 filter (lib/filter) from RocketMQ's own parser and evaluator
 * (rocketmq-filter 5.5.0: SelectorParser.parse, then Expression#evaluate over a Map of String properties, as the
 * broker's MessageEvaluationContext does).
 *
 * Output (JSON): { propertySets: [ {name: value} ...], cases: [ {sql, v} | {sql, error} ] } where v has one letter
 * per property set: T (Boolean.TRUE), F (Boolean.FALSE), N (null), E (evaluate threw), X (a non-Boolean value);
 * error is the message the broker would answer (MQFilterException#getMessage).
 *
 * Cases: hand-picked edge cases, expressions generated at random from the grammar, and malformed ones (random token
 * soups and mutations of generated ones). Deterministic: a fixed seed, no clock, no hash-order dependence.
 */
public final class FilterOracle {
    private static final long SEED = 20261203L;
    private static final int GENERATED = 2500;
    private static final int MUTATED = 800;
    private static final int SOUPS = 600;

    private static final String[] PROPS = {"a", "b", "c", "s", "n", "TAGS", "missing"};
    private static final String[] INT_LITS = {"0", "1", "5", "7", "10", "42", "2147483647", "2147483648", "9223372036854775807", "5L", "100l"};
    private static final String[] FLOAT_LITS = {"1.5", ".5", "5.", "5.0", "1e3", "2.5E-1", "7.0", "1E1", "3.14159"};
    private static final String[] STR_LITS = {"'x'", "'abc'", "''", "'it''s'", "'5'", "'5.0'", "'true'", "'TagA'", "'7'", "'-3'", "'a'", "'NaN'"};
    private static final String[] IN_STRS = {"'x'", "'abc'", "'TagA'", "'TagB'", "'7'", "'5'", "''", "'y'", "'z'", "'w'"};

    private static List<Map<String, String>> propertySets() {
        String[][] rows = {
            {},
            {"a", "7", "b", "x", "c", "5.0", "s", "abc", "TAGS", "TagA"},
            {"a", "3", "b", "y", "c", "5", "s", "xabcx", "TAGS", "TagB"},
            {"a", "5", "b", "x", "c", "-3", "s", "", "n", "0"},
            {"a", "abc", "b", "7", "c", "NaN", "s", "it's", "n", "true"},
            {"a", "7.5", "b", "5", "c", "1e3", "s", "TagA", "n", "TRUE"},
            {"a", "-10", "b", "", "c", " 5 ", "s", "5", "n", "false"},
            {"a", "2147483648", "b", "'x'", "c", "Infinity", "s", "a", "n", "+5"},
            {"a", "9223372036854775808", "b", "abc", "c", "-0.0", "s", "ab", "TAGS", ""},
            {"a", "0", "b", "x", "c", "0x10", "s", "ABC", "n", "5L"},
            {"a", "10", "b", "true", "c", "5d", "s", "x", "n", "1.5"},
            {"a", "+7", "b", "7.0", "c", ".5", "s", "Tag", "TAGS", "TagA", "n", "7"},
        };
        List<Map<String, String>> out = new ArrayList<>();
        for (String[] r : rows) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < r.length; i += 2) m.put(r[i], r[i + 1]);
            out.add(m);
        }
        return out;
    }

    private static final String[] EDGE = {
        "a > 5 AND b = 'x'", "a > 5", "a >= 5", "a < 5", "a <= 5", "a = 5", "a <> 5", "a = 7", "a = 7.0", "a > 5.0",
        "b = 'x'", "b <> 'x'", "'x' = b", "5 < a", "a BETWEEN 1 AND 10", "a NOT BETWEEN 1 AND 10", "a BETWEEN 10 AND 1",
        "a BETWEEN 5 AND 5", "a between 1 and 10 and b = 'x'", "b IN ('x', 'y')", "b NOT IN ('x', 'y')", "b IN ('x')",
        "b IN ('a','b','c','d','e','x')", "n IS NULL", "n IS NOT NULL", "a IS NULL", "missing IS NULL",
        "TAGS = 'TagA'", "TAGS IN ('TagA','TagB')", "TAGS IS NOT NULL AND TAGS <> 'TagB'", "TRUE", "FALSE", "NULL",
        "NOT TRUE", "NOT NULL", "NOT a", "a", "n", "NOT n", "a AND b", "a OR TRUE", "missing OR TRUE", "missing AND FALSE",
        "NOT (a > 5)", "NOT a > 5", "NOT a = 5", "(a > 5) = TRUE", "(a > 5) = (b = 'x')", "a = b", "a = c", "missing = n",
        "missing = missing", "a = TRUE", "TRUE = a", "n = TRUE", "n = FALSE", "1 = TRUE", "TRUE = 1", "TRUE = FALSE",
        "NULL = a", "a = NULL", "a > NULL", "a > 'x'", "'x' > 5", "a > TRUE", "a > b", "c > 1", "c < 1", "c = 5", "c = 5.0",
        "-a > 1", "- 5 < a", "a > -5", "a > - -5", "a > +5", "+a > 5", "a > ++5", "a > 2147483647", "a > 2147483648",
        "a > 9223372036854775807", "a > 9223372036854775808", "a > -9223372036854775808", "a > 0.0", "a > 0.", "a > .0",
        "a > 1e400", "a > 1e-400", "a > 4.9E-324", "a > 1.7976931348623157E308", "a > 0L", "a > 5L", "a > 010", "a > 0x10",
        "a = 5 b = 6", "a = 5 )", "a = 5 , x", "a = 5 'x'", "a = 5 NOT", "a = 5 NOT x", "a NOT b", "a = 5 #", "a = 5 x #",
        "a = 5 AND", "a = 5 OR", "AND a = 5", "", " ", "()", "(a = 5", "a = 5)", "a == 5", "a != 5", "a = '5", "a = \"5\"",
        "s CONTAINS 'b'", "s NOT CONTAINS 'b'", "s STARTSWITH 'a'", "s NOT STARTSWITH 'a'", "s ENDSWITH 'c'",
        "s NOT ENDSWITH 'c'", "s CONTAINS ''", "s NOT CONTAINS ''", "missing CONTAINS 'a'", "missing NOT CONTAINS 'a'",
        "5 CONTAINS '5'", "s CONTAINS b", "s contains 'b' and a > 1", "(a) IN ('7')", "5 IN ('5')", "'5' IN ('5')",
        "a IN ()", "a IN (5)", "a IN ('7',)", "a LIKE '7'", "a = 5 -- comment\n", "a = 5 -- comment", "/* c */ a = 5",
        "a /* c */ = 5", "a = /* unterminated", "a\t=\n5", "A = 5", "a = 5 and B = 'x'", "not a = 5", "a IS NOT 5",
        "a IS", "a IS NOT", "a = 5 IS NULL", "(a = 5) IS NULL", "a = 5 = TRUE", "a = 5 = 'x'", "a > 5 > 1", "a BETWEEN 1",
        "a BETWEEN 1 OR 2", "a BETWEEN 'a' AND 'b'", "a BETWEEN TRUE AND FALSE", "a BETWEEN NULL AND 5", "a BETWEEN b AND 5",
        "a BETWEEN 1.5 AND 2", "a BETWEEN 2 AND 1.5", "a NOT BETWEEN 10 AND 1", "a IN ('7') IN ('x')", "s = 'it''s'",
        "s = 'it's'", "a = 5.5.5", "a = 1e", "a = 1e+", "a = 1.e5", "a = 5e10", "$x = 1", "_x IS NULL", "x1 IS NULL",
        "1x = 1", "a.b = 1", "a-b = 1", "é = 1", "a = 'é'", "TAGS", "NOTa = 1", "ISx IS NULL", "INa = 1", "a = 00",
        "a = 007.5", "(((a > 5)))", "((a > 5) AND (b = 'x')) OR (c = 5)", "a > 5 OR b = 'x' AND c = 5",
        "a > 5 AND b = 'x' OR c = 5", "n = 'true'", "n = true", "n <> TRUE", "a = -10", "a > -11", "a = '7'", "a > '5'",
        "a >= '7.5'", "c >= '1e3'", "c = 'NaN'", "c > 1", "NOT NOT TRUE", "NOT NOT a", "- TRUE = 1", "-'x' = 1",
        "- missing IS NULL", "-a IS NULL", "a + 1 = 5", "a * 2 = 5", "a = 5;", "a=5", "a>=5AND b='x'", "a>5AND b='x'",
        "a = 5 OR NOT b = 'x'", "TAGS = 'TagA' OR TAGS = 'TagB'", "TAGS <> 'TagA'", "b = '' AND b IS NOT NULL",
    };

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Random rnd = new Random(SEED);
        List<Map<String, String>> sets = propertySets();
        Set<String> sqls = new LinkedHashSet<>();
        for (String e : EDGE) sqls.add(e);
        List<String> generated = new ArrayList<>();
        while (generated.size() < GENERATED) {
            String e = orExpr(rnd, 0);
            if (sqls.add(e)) generated.add(e);
        }
        int m = 0;
        while (m < MUTATED) {
            String base = generated.get(rnd.nextInt(generated.size()));
            if (sqls.add(mutate(rnd, base))) m++;
        }
        int s = 0;
        while (s < SOUPS) {
            if (sqls.add(soup(rnd))) s++;
        }

        StringBuilder sb = new StringBuilder();
        sb.append("{\n\"generator\": \"compat-tests/oracle/filter (rocketmq-filter 5.5.0, seed ").append(SEED).append(")\",\n");
        sb.append("\"propertySets\": [\n");
        for (int i = 0; i < sets.size(); i++) {
            sb.append("  {");
            int j = 0;
            for (Map.Entry<String, String> en : sets.get(i).entrySet()) {
                if (j++ > 0) sb.append(", ");
                json(sb, en.getKey());
                sb.append(": ");
                json(sb, en.getValue());
            }
            sb.append(i + 1 < sets.size() ? "},\n" : "}\n");
        }
        sb.append("],\n\"cases\": [\n");
        int i = 0;
        for (String sql : sqls) {
            sb.append("  {\"sql\": ");
            json(sb, sql);
            Expression expr;
            try {
                expr = SelectorParser.parse(sql);
            } catch (Throwable t) {
                sb.append(", \"error\": ");
                json(sb, String.valueOf(t.getMessage()));
                sb.append(++i < sqls.size() ? "},\n" : "}\n");
                continue;
            }
            StringBuilder v = new StringBuilder();
            for (Map<String, String> props : sets) v.append(verdict(expr, props));
            sb.append(", \"v\": \"").append(v).append('"');
            sb.append(++i < sqls.size() ? "},\n" : "}\n");
        }
        sb.append("]\n}\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
        System.err.println("filter oracle: " + sqls.size() + " expressions x " + sets.size() + " property sets -> " + out);
    }

    private static char verdict(Expression expr, Map<String, String> props) {
        EvaluationContext ctx = new EvaluationContext() {
            @Override
            public Object get(String name) {
                return props.get(name);
            }

            @Override
            public Map<String, Object> keyValues() {
                return new LinkedHashMap<>(props);
            }
        };
        try {
            Object r = expr.evaluate(ctx);
            if (r == null) return 'N';
            if (r == Boolean.TRUE) return 'T';
            if (r == Boolean.FALSE) return 'F';
            if (r instanceof Boolean) return ((Boolean) r) ? 'T' : 'F';
            return 'X';
        } catch (Throwable t) {
            return 'E';
        }
    }

    // ---- random expressions from the grammar (mostly valid, some semantically refused) ----

    private static String pick(Random r, String[] a) {
        return a[r.nextInt(a.length)];
    }

    private static String kw(Random r, String k) {
        int c = r.nextInt(10);
        if (c < 7) return k;
        if (c < 9) return k.toLowerCase();
        StringBuilder sb = new StringBuilder();
        for (char ch : k.toCharArray()) sb.append(r.nextBoolean() ? Character.toLowerCase(ch) : ch);
        return sb.toString();
    }

    private static String operand(Random r) {
        int c = r.nextInt(20);
        if (c < 9) return pick(r, PROPS);
        if (c < 13) return pick(r, INT_LITS);
        if (c < 15) return pick(r, FLOAT_LITS);
        if (c < 18) return pick(r, STR_LITS);
        if (c < 19) return "-" + (r.nextBoolean() ? pick(r, INT_LITS) : pick(r, PROPS));
        return pick(r, new String[] {"TRUE", "FALSE", "NULL"});
    }

    private static String numeric(Random r) {
        int c = r.nextInt(10);
        if (c < 5) return pick(r, INT_LITS);
        if (c < 8) return pick(r, FLOAT_LITS);
        if (c < 9) return "-" + pick(r, INT_LITS);
        return pick(r, PROPS);
    }

    private static String predicate(Random r, int depth) {
        String p = pick(r, PROPS);
        switch (r.nextInt(14)) {
            case 0: case 1: case 2:
                return operand(r) + " " + pick(r, new String[] {">", ">=", "<", "<="}) + " " + (r.nextInt(4) == 0 ? operand(r) : numeric(r));
            case 3: case 4: case 5:
                return operand(r) + " " + pick(r, new String[] {"=", "<>"}) + " " + operand(r);
            case 6: {
                String lo = numeric(r), hi = numeric(r);
                return p + (r.nextBoolean() ? " " : " " + kw(r, "NOT") + " ") + kw(r, "BETWEEN") + " " + lo + " " + kw(r, "AND") + " " + hi;
            }
            case 7: {
                int n = 1 + r.nextInt(6);
                StringBuilder sb = new StringBuilder(p).append(r.nextBoolean() ? " " : " " + kw(r, "NOT") + " ").append(kw(r, "IN")).append(" (");
                for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(pick(r, IN_STRS));
                return sb.append(")").toString();
            }
            case 8:
                return p + " " + kw(r, "IS") + (r.nextBoolean() ? " " : " " + kw(r, "NOT") + " ") + kw(r, "NULL");
            case 9: {
                String op = pick(r, new String[] {"CONTAINS", "STARTSWITH", "ENDSWITH"});
                return p + (r.nextBoolean() ? " " : " " + kw(r, "NOT") + " ") + kw(r, op) + " " + pick(r, STR_LITS);
            }
            case 10:
                return pick(r, PROPS);
            case 11:
                return pick(r, new String[] {"TRUE", "FALSE", "NULL"});
            case 12:
                return depth < 3 ? "(" + orExpr(r, depth + 1) + ")" : p + " = " + operand(r);
            default:
                return depth < 3 ? kw(r, "NOT") + " " + predicate(r, depth + 1) : p + " <> " + operand(r);
        }
    }

    private static String orExpr(Random r, int depth) {
        int n = depth >= 3 ? 1 : 1 + (r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0);
        StringBuilder sb = new StringBuilder(andExpr(r, depth));
        for (int i = 1; i < n; i++) sb.append(' ').append(kw(r, "OR")).append(' ').append(andExpr(r, depth));
        return sb.toString();
    }

    private static String andExpr(Random r, int depth) {
        int n = depth >= 3 ? 1 : 1 + (r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0);
        StringBuilder sb = new StringBuilder(predicate(r, depth));
        for (int i = 1; i < n; i++) sb.append(' ').append(kw(r, "AND")).append(' ').append(predicate(r, depth));
        return sb.toString();
    }

    // ---- malformed input: mutations and token soups ----

    private static final String[] NOISE = {"(", ")", ",", "=", "<>", ">", "<", ">=", "<=", "+", "-", "AND", "OR", "NOT",
        "IN", "IS", "NULL", "BETWEEN", "TRUE", "'", "''", "'x'", "5", "5.", ".", "e", "!", "#", "\"", "/", "*", "/*", "--",
        "a", "b", "CONTAINS", "STARTSWITH", "ENDSWITH", "LIKE", ";", "0x", "1e", "?", "[", "é", "\t", " "};

    private static String mutate(Random r, String s) {
        List<String> tokens = new ArrayList<>(List.of(s.split(" ")));
        int k = 1 + r.nextInt(2);
        for (int i = 0; i < k && !tokens.isEmpty(); i++) {
            int at = r.nextInt(tokens.size());
            switch (r.nextInt(3)) {
                case 0: tokens.remove(at); break;
                case 1: tokens.add(at, pick(r, NOISE)); break;
                default: tokens.set(at, pick(r, NOISE)); break;
            }
        }
        return String.join(" ", tokens);
    }

    private static String soup(Random r) {
        int n = 1 + r.nextInt(7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0 && r.nextInt(4) != 0) sb.append(' ');
            sb.append(r.nextInt(3) == 0 ? operand(r) : pick(r, NOISE));
        }
        return sb.toString();
    }

    private static void json(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }
}
