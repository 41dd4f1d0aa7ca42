import { CQ_STORE_UNIT_SIZE, readCqPhy, readCqSize } from './consume-queue-unit';

/**
 * Finding the end of a consume queue's units in its last file at load (Java: ConsumeQueue#recover): the first unit
 * whose phy < 0 or size <= 0 ends them. Reads grow from CQ_LOAD_READ_BYTES_MIN to CQ_LOAD_READ_BYTES_MAX, so a short
 * queue costs one small read and a full 6 MB file a few large ones (at 64 KiB per read, loading 8 full queues took
 * ~170 ms of a crash recovery). Pure over the `read` it is given.
 */

/** First and largest read while finding the end of a consume queue's units on load (bytes). */
export const CQ_LOAD_READ_BYTES_MIN = 64 * 1024;
export const CQ_LOAD_READ_BYTES_MAX = 1024 * 1024;

const unitMultiple = (n: number): number => n - (n % CQ_STORE_UNIT_SIZE);

/** The byte offset after the last unit of the file starting at `from` (`from` when it holds none). */
export async function unitsEnd(read: (pos: number, len: number) => Promise<Buffer | undefined>, from: number, fileSize: number): Promise<number> {
  let end = from;
  let chunk = unitMultiple(CQ_LOAD_READ_BYTES_MIN);
  for (let pos = 0; pos < fileSize; pos += chunk, chunk = Math.min(chunk * 2, unitMultiple(CQ_LOAD_READ_BYTES_MAX))) {
    const want = Math.min(chunk, fileSize - pos);
    const buf = await read(from + pos, want);
    if (buf === undefined) break;
    for (let k = 0; k + CQ_STORE_UNIT_SIZE <= buf.length; k += CQ_STORE_UNIT_SIZE) {
      if (readCqPhy(buf, k) >= 0 && readCqSize(buf, k) > 0) end = from + pos + k + CQ_STORE_UNIT_SIZE;
      else return end;
    }
    if (buf.length < want) break;
  }
  return end;
}
