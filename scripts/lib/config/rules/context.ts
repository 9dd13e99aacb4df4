// What a semantic rule sees: the environment's source and data, its merged model, and its apps' sources (pure).
import type { Model, Problem } from '../model.ts'
import { problemAt, type Path } from '../positions.ts'
import type { Source } from '../source.ts'

/** What a reference rule sees: the documents only, so it also runs on an environment that has no model. */
export type DocumentContext = {
  env: Source
  data: Record<string, any> // the environment document as plain data
  apps: Map<string, Source> // app sources by name, for positions of defaults
  appFiles: Set<string> // every app that has a file, even one too broken to parse
}
export type RuleContext = DocumentContext & { model: Model }
/** A rule that reads names in the documents; it must not assume the schema held. */
export type ReferenceRule = (ctx: DocumentContext) => Problem[]
/** A rule on the merged model of a schema-valid environment. */
export type Rule = (ctx: RuleContext) => Problem[]

/** A problem about an app setting, pinned where the effective value was written: the override, else the app file. */
export function appProblem(ctx: DocumentContext, app: string, path: Path, message: string, rule: string): Problem {
  let node: any = ctx.data.apps?.[app]
  for (const seg of path) node = node?.[seg]
  const source = ctx.apps.get(app)
  if (node !== undefined || !source) return problemAt(ctx.env, ['apps', app, ...path], message, rule)
  return problemAt(source, path, message, rule)
}

export const envProblem = (
  ctx: DocumentContext,
  path: Path,
  message: string,
  rule: string,
  at: 'key' | 'value' = 'value',
) => problemAt(ctx.env, path, message, rule, at)
