export { ByteReader, readInt64, writeInt64 } from './reader';
export { ByteWriter } from './writer';
export {
  javaStringHashCode,
  javaParseInt,
  javaParseLong,
  javaParseLongBig,
  javaParseBoolean,
  javaParseDouble,
  javaDoubleToString,
} from './java';
export { parseJavaProperties, formatJavaProperties } from './properties-text';
