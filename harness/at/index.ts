export { AtEngine, type AtEngineOptions, type AtResponse, type SendOptions, type Urc } from './engine.ts';
export { AtClosedError, AtCommandError, AtQueueFullError, AtTimeoutError, AtWriteError } from './errors.ts';
export { CME_ERRORS, CMS_ERRORS, ErrorTable } from './error-codes.ts';
export { LoopLag } from './loop-lag.ts';
export { LineFramer, escapeBytes, type FrameSink, type FramerOptions } from './framer.ts';
export { DEFAULT_URC_PREFIXES, matchPrefix, responsePrefix, unknownUrcPrefix } from './prefixes.ts';
export { parseFinal, type AtFailure, type FailureKind, type FinalResult } from './result-codes.ts';
export { Transcript, formatEntry, formatLine, type Direction, type EntryKind, type Stamp, type TranscriptEntry, type TranscriptLimits } from './transcript.ts';
