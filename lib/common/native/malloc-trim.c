/*
 * malloc-trim.node: glibc's malloc_trim(0) for Node (N-API, no node-gyp). Built by lib/dev/build-native.ts into
 * dist/native/ when a C compiler and Node's headers are there; lib/common/release-memory.ts loads it if present.
 *
 * Why: glibc keeps memory freed below the top of its brk heap (small ArrayBuffer backing stores, socket read
 * buffers) until the process calls malloc_trim, which hands the free pages in the middle of the heap back to the
 * OS (madvise). After a load, 15-57 MiB of a resting Apogee were such pages (bench/results/2026-12-04-rss-mem.md,
 * bench/results/2026-12-05-memory-where.md: malloc_trim called with gdb took the heap from 35.8 to 9.2 MiB).
 * Node has no binding for it.
 *
 * exports.trim(): boolean: malloc_trim(0)'s result (true when some memory was released).
 * exports.info(): [arena, inUse, free, mmapped] bytes from mallinfo2() (mallinfo() before glibc 2.33): the brk heap and arenas' size, the bytes
 *   of it in use, the bytes free (kept by malloc: what trim can return), and the bytes in mmapped chunks.
 */
#define NAPI_VERSION 8
#include <malloc.h>
#include <node_api.h>

static napi_value trim(napi_env env, napi_callback_info cb) {
  (void)cb;
  napi_value result;
  if (napi_get_boolean(env, malloc_trim(0) != 0, &result) != napi_ok) return NULL;
  return result;
}

static napi_value info(napi_env env, napi_callback_info cb) {
  (void)cb;
#if __GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)
  struct mallinfo2 m = mallinfo2();
#else
  struct mallinfo m = mallinfo(); /* int fields: wrong above 2 GiB, enough for a hint */
#endif
  double v[4] = {(double)m.arena, (double)m.uordblks, (double)m.fordblks, (double)m.hblkhd};
  napi_value arr, x;
  if (napi_create_array_with_length(env, 4, &arr) != napi_ok) return NULL;
  for (unsigned i = 0; i < 4; i++) {
    if (napi_create_double(env, v[i], &x) != napi_ok || napi_set_element(env, arr, i, x) != napi_ok) return NULL;
  }
  return arr;
}

static int export_fn(napi_env env, napi_value exports, const char *name, napi_callback f) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, f, NULL, &fn) == napi_ok && napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
  if (!export_fn(env, exports, "trim", trim) || !export_fn(env, exports, "info", info)) return NULL;
  return exports;
}
