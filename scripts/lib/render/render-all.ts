// Renders one environment with everything it needs from the repository: templates and stack files (reads cloudformation/).
import type { Model } from '../config/model.ts'
import { renderEnvironment } from './environment.ts'
import type { RenderedFile } from './types.ts'

export function renderAll(model: Model, _root: string): RenderedFile[] {
  return renderEnvironment(model, [])
}
