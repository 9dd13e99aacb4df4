// A release's manifest: what the bytes are and where they came from, written beside them; and the check apply makes
// before it builds a bundle from a release (pure).
export type ReleaseManifest = {
  app: string
  version: string
  /** sha256 of the .tgz as stored. */
  sha256: string
  bytes: number
  files: number
  source: { repository: string; commit: string }
  /** The CodeBuild build that made it, or `local`. */
  build: string
  node: string
  createdAt: string
}

export const releaseKeys = (app: string, version: string) => ({
  artifact: `releases/${app}/${version}.tgz`,
  manifest: `releases/${app}/${version}.json`,
})

export function parseManifest(text: string, where: string): ReleaseManifest {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new Error(`${where} is not JSON: publish the release again with ops release`)
  }
  // `null`, a number or a list is JSON too, and no manifest: it has no sha256 either.
  const m: Partial<ReleaseManifest> = parsed !== null && typeof parsed === 'object' ? parsed : {}
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256))
    throw new Error(`${where} has no sha256: publish the release again with ops release`)
  return m as ReleaseManifest
}

/** Why these bytes must not be deployed as this release, or undefined when they are the ones the manifest names. */
export function releaseMismatch(
  manifest: ReleaseManifest,
  app: string,
  version: string,
  sha256: string,
): string | undefined {
  if (manifest.app !== app || manifest.version !== version)
    return `its manifest is for ${manifest.app} ${manifest.version}`
  if (manifest.sha256 !== sha256) return `its bytes have sha256 ${sha256}, the manifest says ${manifest.sha256}`
  return undefined
}
