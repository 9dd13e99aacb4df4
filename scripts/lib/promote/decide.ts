// Whether a version may move from one environment to the next, from what each side holds (pure).
import semver from 'semver'
import type { ReleaseManifest } from '../release/manifest.ts'

export type PromoteFacts = {
  app: string
  from: string
  to: string
  /** What the source environment runs, from its deployed state (undefined: the app was never deployed there). */
  deployed?: string
  /** The version the source environment's YAML names. */
  sourceYaml: string
  /** The version the target environment's YAML names. */
  targetYaml: string
  sourceManifest?: ReleaseManifest
  targetManifest?: ReleaseManifest
  /** A promotion to an older version than the target names (staging rolled back, production hotfixed) was asked for. */
  allowDowngrade?: boolean
}

export type PromoteDecision =
  | { kind: 'promote'; version: string; sha256: string }
  | { kind: 'nothing'; why: string }
  | { kind: 'refuse'; why: string }

export function decidePromotion(f: PromoteFacts): PromoteDecision {
  const { app, from, to } = f
  if (!f.deployed)
    return { kind: 'refuse', why: `${app} has never been deployed to ${from}: nothing tested to promote` }
  const v = f.deployed
  // What the source runs is what was tested; a YAML ahead of it is a deployment still to come (or one that failed).
  if (f.sourceYaml !== v)
    return {
      kind: 'refuse',
      why: `${from} names ${app} ${f.sourceYaml} but runs ${v}: let ${from}'s deployment finish (or fix it) first`,
    }
  if (f.targetYaml === v) return { kind: 'nothing', why: `${to} already names ${app} ${v}` }
  // A pull request titled "promote" that moves production back is a surprise to its reviewer: it must be asked for.
  if (!f.allowDowngrade && semver.valid(v) && semver.valid(f.targetYaml) && semver.lt(v, f.targetYaml)) {
    return {
      kind: 'refuse',
      why: `${to} names ${app} ${f.targetYaml}, newer than the ${v} ${from} runs: that would move ${to} back; pass --allow-downgrade if that is the intent`,
    }
  }
  if (!f.sourceManifest)
    return { kind: 'refuse', why: `${from} has no manifest for ${app} ${v}: it was not published with ops release` }
  if (!f.targetManifest) {
    return {
      kind: 'refuse',
      why: `${to} has no release ${app} ${v}: its release project publishes it from ${f.sourceManifest.source.repository} at ${f.sourceManifest.source.commit}; run it, then promote again`,
    }
  }
  if (f.targetManifest.sha256 !== f.sourceManifest.sha256) {
    return {
      kind: 'refuse',
      why: `${to}'s release ${app} ${v} (sha256 ${f.targetManifest.sha256}) is not the bytes ${from} tested (sha256 ${f.sourceManifest.sha256}): the build is not reproducible; release a new version`,
    }
  }
  return { kind: 'promote', version: v, sha256: f.sourceManifest.sha256 }
}
