/** Failures of a remote call, as data the caller can branch on. */
export type RemotingErrorKind = 'TIMEOUT' | 'CLOSED' | 'PENDING_FULL' | 'CONNECT' | 'SEND';

export class RemotingError extends Error {
  readonly kind: RemotingErrorKind;
  constructor(kind: RemotingErrorKind, message: string) {
    super(message);
    this.name = 'RemotingError';
    this.kind = kind;
  }
}
