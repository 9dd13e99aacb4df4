// Parses CloudFormation template text (YAML with short-form intrinsic tags) into plain data; no I/O.
import { parseDocument, type CollectionTag, type ScalarTag, type Tags } from 'yaml'

export type Template = {
  AWSTemplateFormatVersion?: string
  Description?: string
  Metadata?: Record<string, unknown>
  Parameters: Record<string, { Type: string; Default?: unknown; [key: string]: unknown }>
  Mappings?: Record<string, Record<string, Record<string, unknown>>>
  Conditions?: Record<string, unknown>
  Resources: Record<
    string,
    {
      Type: string
      Condition?: string
      Properties?: Record<string, unknown>
      Metadata?: Record<string, unknown>
      [key: string]: unknown
    }
  >
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>
}

const SHORT_FORMS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'If',
  'Join',
  'Select',
  'Split',
  'Equals',
  'Not',
  'And',
  'Or',
  'FindInMap',
  'Base64',
  'Cidr',
  'GetAZs',
  'ImportValue',
] as const

// `!Ref X` is {Ref: X} and `!Condition X` is {Condition: X}; every other tag is {"Fn::Name": ...}.
const longName = (name: string) => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`)

// `!GetAtt Res.Attr` is the scalar spelling of ["Res", "Attr"]; the attribute may itself hold dots.
const scalarValue = (name: string, text: string): unknown => {
  if (name !== 'GetAtt') return text
  const dot = text.indexOf('.')
  return dot < 0 ? text : [text.slice(0, dot), text.slice(dot + 1)]
}

export const cloudFormationTags: Tags = SHORT_FORMS.flatMap((name): (ScalarTag | CollectionTag)[] => [
  { tag: `!${name}`, resolve: (text: string) => ({ [longName(name)]: scalarValue(name, text) }) },
  { tag: `!${name}`, collection: 'seq', resolve: (seq) => ({ [longName(name)]: seq.toJSON() }) },
  { tag: `!${name}`, collection: 'map', resolve: (map) => ({ [longName(name)]: map.toJSON() }) },
])

export class TemplateSyntaxError extends Error {}

/** Text in, plain template out; throws TemplateSyntaxError with line and column on bad YAML. */
export function parseTemplate(text: string): Template {
  const doc = parseDocument(text, { customTags: cloudFormationTags, uniqueKeys: true })
  if (doc.errors.length) {
    const e = doc.errors[0]
    const at = e.linePos?.[0]
    throw new TemplateSyntaxError(`${at ? `${at.line}:${at.col}: ` : ''}${e.message}`)
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as Partial<Template> | null
  if (!data || typeof data !== 'object' || !data.Resources) throw new TemplateSyntaxError('template has no Resources')
  return { ...data, Parameters: data.Parameters ?? {}, Resources: data.Resources } as Template
}
