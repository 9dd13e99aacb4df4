// Changes one app's version in an environment file and nothing else: the scalar's own characters are replaced, so
// comments, order and layout stay as the reviewer knows them (pure).
import { isScalar, parseDocument } from 'yaml'

export function setAppVersion(text: string, file: string, app: string, version: string): string {
  const doc = parseDocument(text)
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}; fix the file first`)
  const node = doc.getIn(['apps', app, 'version'], true)
  if (!isScalar(node) || !node.range) throw new Error(`${file}: apps.${app}.version not found; the app must already run in this environment`)
  const [start, end] = node.range
  // A plain scalar keeps its style; a version is always plain-safe (the schema's pattern).
  return text.slice(0, start) + version + text.slice(end)
}
