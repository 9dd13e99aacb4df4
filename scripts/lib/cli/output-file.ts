// Writes a file a flag named (--junit, --out, --markdown), turning the file system's refusal into one line (I/O).
import { writeFileSync } from 'node:fs'
import { InputError } from './errors.ts'

export function writeOutputFile(flag: string, path: string, data: string): void {
  try {
    writeFileSync(path, data)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'its folder does not exist; create it first'
        : code === 'EISDIR'
          ? 'it is a folder; name a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message
    throw new InputError(`${flag} ${path}: cannot write: ${why}`)
  }
}
