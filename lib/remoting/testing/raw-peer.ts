/** Test helper: a raw socket peer that writes hand-made bytes and collects the frames it is sent. */
import * as net from 'node:net';
import { decodeCommand, type RemotingCommand } from '../../../protocol/command';
import { FrameDecoder } from '../../../protocol/frame';

/** A raw socket peer: writes bytes, collects decoded frames. Independent of Connection. */
export class RawPeer {
  readonly frames: RemotingCommand[] = [];
  private readonly dec = new FrameDecoder();
  private waiters: (() => void)[] = [];
  closed = false;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => {
      this.dec.push(c, (p) => this.frames.push(decodeCommand(Buffer.from(p))));
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }
  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }
  async waitFor(pred: () => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
  end(): void {
    this.socket.destroy();
  }
}
