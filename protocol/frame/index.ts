export { FrameDecoder, FRAME_SIZE_MAX_DEFAULT } from './frame-decoder';
