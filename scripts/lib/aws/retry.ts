// Retries an AWS call on throttling and transient failures with capped exponential backoff and jitter (no I/O itself).
export type RetryOptions = {
  attempts?: number
  baseMs?: number
  maxMs?: number
  sleep?: (ms: number) => Promise<void>
  /** What is being retried (e.g. "S3 PutObject"); with it, each retry is said on stderr (or to `report`). */
  label?: string
  report?: (line: string) => void
  now?: () => number
}

/** An endpoint that does not answer at all is given up on within this long, not after every backoff. */
export const UNREACHABLE_BUDGET_MS = 15_000
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'TimeoutError',
])
export const isUnreachable = (e: unknown) => {
  const err = (e ?? {}) as AwsError
  return UNREACHABLE.has(err.code ?? '') || UNREACHABLE.has(err.name ?? '')
}
/** No credentials or no endpoint: every later call would fail the same way, so it is the command's failure. */
export const failsEveryCall = (e: unknown) => errorName(e) === 'CredentialsProviderError' || isUnreachable(e)

const THROTTLES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'ProvisionedThroughputExceededException',
  'PriorRequestNotComplete',
])
const TRANSIENT = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'TimeoutError',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
])

type AwsError = {
  name?: string
  code?: string
  $metadata?: { httpStatusCode?: number }
  $retryable?: { throttling?: boolean }
}

/** The SDK could not parse the answer (an HTML error page): the endpoint lacks the operation. */
export const isUnparsable = (e: unknown) =>
  errorName(e) === 'SyntaxError' ||
  /Deserialization error|XML parse error|is not valid JSON/.test((e as Error)?.message ?? '')

export function isRetryable(e: unknown): boolean {
  const err = (e ?? {}) as AwsError
  const status = err.$metadata?.httpStatusCode ?? 0
  // An HTML page where JSON or XML was expected is an endpoint without the operation (moto), not a passing fault.
  if (isUnparsable(e)) return false
  return (
    THROTTLES.has(err.name ?? '') ||
    TRANSIENT.has(err.name ?? '') ||
    TRANSIENT.has(err.code ?? '') ||
    !!err.$retryable?.throttling ||
    status === 429 ||
    status === 503 ||
    status === 502 ||
    status === 500
  )
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Runs `fn` until it succeeds, a non-retryable error comes, or attempts run out (then the last error). */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 8
  const base = opts.baseMs ?? 200
  const max = opts.maxMs ?? 20_000
  const sleep = opts.sleep ?? realSleep
  const now = opts.now ?? Date.now
  const started = now()
  for (let i = 1; ; i++) {
    try {
      return await fn()
    } catch (e) {
      if (i >= attempts || !isRetryable(e)) throw e
      // Full jitter keeps parallel pipelines from retrying in lockstep.
      const wait = Math.round(Math.random() * Math.min(max, base * 2 ** (i - 1)))
      if (isUnreachable(e) && now() - started + wait > UNREACHABLE_BUDGET_MS) throw e
      if (opts.label)
        (opts.report ?? ((l: string) => process.stderr.write(`${l}\n`)))(
          `retrying ${opts.label} (${i + 1}/${attempts}) after ${reasonOf(e)}`,
        )
      await sleep(wait)
    }
  }
}

const reasonOf = (e: unknown) => {
  const err = (e ?? {}) as AwsError
  return err.code ?? err.name ?? `HTTP ${err.$metadata?.httpStatusCode ?? '?'}`
}

/** A client whose every `send` goes through withRetry. */
export type Sender = <O>(command: unknown) => Promise<O>
export function retrying(client: { send: (c: never) => Promise<unknown> }, opts: RetryOptions = {}): Sender {
  return <O>(command: unknown) =>
    withRetry(() => client.send(command as never) as Promise<O>, { label: commandName(command), ...opts })
}

/** "PutObject" from a PutObjectCommand. */
const commandName = (command: unknown) =>
  ((command as { constructor?: { name?: string } })?.constructor?.name ?? 'AWS call').replace(/Command$/, '')

/** The error's service code, e.g. ValidationError, NoSuchKey, PreconditionFailed. */
export const errorName = (e: unknown) => ((e ?? {}) as AwsError).name ?? ''
export const httpStatus = (e: unknown) => ((e ?? {}) as AwsError).$metadata?.httpStatusCode ?? 0
