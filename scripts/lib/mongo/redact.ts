// Hides credentials in MongoDB URIs wherever they appear in a message — pure.
/** mongodb://user:secret@host → mongodb://***@host, anywhere in the text. */
export const redactUri = (text: string) => text.replace(/(mongodb(?:\+srv)?:\/\/)[^@/\s]*@/gi, '$1***@')

export const redactError = (e: unknown, uri?: string): string => {
  let msg = e instanceof Error ? e.message : String(e)
  if (uri) msg = msg.split(uri).join(redactUri(uri))
  return redactUri(msg)
}
