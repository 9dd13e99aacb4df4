// The one output type every render function returns: a relative path and its text (pure, no I/O).
export type RenderedFile = { path: string; contents: string }
