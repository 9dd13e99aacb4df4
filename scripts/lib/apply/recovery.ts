// What to run when a stack is left failed or rolled back, so the report carries the recovering command (pure).

/** The command that gets a stack in `status` back to a state apply can update, or undefined when none is needed. */
export function recoveryCommand(stack: string, status: string): string | undefined {
  const quoted = `--stack-name ${stack}`
  switch (status) {
    case 'ROLLBACK_COMPLETE': // a first create failed: the stack can only be deleted
    case 'ROLLBACK_FAILED':
    case 'CREATE_FAILED':
    case 'DELETE_FAILED':
      return `aws cloudformation delete-stack ${quoted}  # then run apply again`
    case 'UPDATE_ROLLBACK_FAILED':
      return `aws cloudformation continue-update-rollback ${quoted}  # add --resources-to-skip for resources that cannot roll back`
    case 'UPDATE_FAILED':
    case 'IMPORT_ROLLBACK_FAILED':
      return `aws cloudformation rollback-stack ${quoted}`
    default:
      return undefined
  }
}

export const isUsable = (status: string | undefined) =>
  status === undefined ||
  /^(CREATE_COMPLETE|UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE|IMPORT_COMPLETE|IMPORT_ROLLBACK_COMPLETE)$/.test(status)
