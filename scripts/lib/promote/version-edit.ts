// Changes one app's version in an environment file and nothing else: the scalar's own characters are replaced, so
// comments, order and layout stay as the reviewer knows them; the result is proven to differ in that value alone (pure).
import { isAlias, isScalar, parse, parseDocument } from 'yaml'
import { InputError } from '../cli/errors.ts'

export function setAppVersion(text: string, file: string, app: string, version: string): string {
  const doc = parseDocument(text)
  if (doc.errors.length) throw new InputError(`${file}: ${doc.errors[0]!.message}; fix the file first`)
  const at = `${file}: apps.${app}.version`
  const node = doc.getIn(['apps', app, 'version'], true)
  // An anchor may be read elsewhere (*name), an alias is another key's value: changing either changes more than this.
  if (isAlias(node)) throw new InputError(`${at} is an alias (*${node.source}); write the version out plainly first`)
  if (!isScalar(node) || !node.range)
    throw new InputError(`${at} not found; the app must already run in this environment`)
  if (node.anchor)
    throw new InputError(
      `${at} carries an anchor (&${node.anchor}) that other keys may use; write the version out plainly first`,
    )
  if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL')
    throw new InputError(`${at} is a block scalar; write the version on its key's line first`)
  const [start, end] = node.range
  // A plain scalar keeps its style; a version is always plain-safe (the schema's pattern).
  const out = text.slice(0, start) + version + text.slice(end)
  const expected = doc.toJS() as { apps: Record<string, { version: string }> }
  expected.apps[app]!.version = version
  if (JSON.stringify(parse(out)) !== JSON.stringify(expected))
    throw new InputError(`${at}: changing it in place would change more than it; edit the file by hand`)
  return out
}
