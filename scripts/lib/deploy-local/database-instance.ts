// The database instance as the launch template's boot script leaves it, on a deploy-local instance: MongoDB's
// package mongod.conf with the boot script's edits, a mongod.service that runs FerretDB from that file (the stand-in
// for the package's mongod, scripts/lib/deploy-local/stand-ins/mongod.cjs) with the boot script's condition that
// the data volume is mounted, plus the two things EC2 gives the instance that ops database-up attaches on AWS: the
// data volume (a host folder that outlives the instance) and the fixed address (I/O: writes files in the instance,
// the host's routing table).
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Model } from '../config/model.ts'
import { assignAddress, attachVolumes, instanceExec, type Instance } from './instance.ts'
import { backupAgentPaths } from '../render/backup-paths.ts'
import { requireCachedTool } from './cached-tools.ts'
import { PACKAGED_MONGOD_CONF } from './packaged-mongod-conf.ts'

export const DATA_PATH = '/var/lib/mongo'
// Inside the instance (this checkout may sit under /tmp, which an instance does not see): the stand-ins and
// node_modules where instance-boot.sh mounts them, FerretDB where withVolume mounts it, as a package would install it.
const STAND_INS = '/opt/codedeploy-agent/stand-ins'
const NODE_MODULES = '/usr/local/lib/deploy-local/node_modules'
const FERRETDB_DIR = '/usr/local/lib/ferretdb'

/** The unit: the package's service, with the boot script's drop-in (cloudformation/instance-group.yaml) folded in. */
export const mongodUnit = () => `[Unit]
Description=MongoDB (FerretDB stand-in reading /etc/mongod.conf)
RequiresMountsFor=${DATA_PATH}
ConditionPathIsMountPoint=${DATA_PATH}

[Service]
Environment=FERRETDB_BIN=${FERRETDB_DIR}/ferretdb NODE_PATH=${NODE_MODULES}
EnvironmentFile=-${backupAgentPaths.adminEnvFile}
ExecStart=/usr/bin/env node ${STAND_INS}/mongod.cjs ${backupAgentPaths.mongodConf}

[Install]
WantedBy=multi-user.target
`

/** A data volume: a host folder under `dir`, empty until mongod writes to it. */
export function newVolume(dir: string, name: string): string {
  const path = join(dir, 'volumes', name)
  mkdirSync(path, { recursive: true })
  return path
}

/** Before the instance boots: the volume it will find mounted at mongod's dbPath, and FerretDB's binary. */
export const withVolume = (volume: string) => (i: Instance) =>
  attachVolumes(i, [
    { hostDir: volume, path: DATA_PATH },
    { hostDir: dirname(requireCachedTool('ferretdb')), path: FERRETDB_DIR, readOnly: true },
  ])

/** After it booted: MongoDB installed as the boot script leaves it, and the database's fixed address on it. */
export function installDatabase(i: Instance, model: Model) {
  const write = (path: string, body: string) => {
    const r = instanceExec(i, ['sh', '-c', `mkdir -p "$(dirname "$1")" && cat > "$1"`, 'sh', path], { input: body })
    if (r.exitCode !== 0) throw new Error(`cannot write ${path} in ${i.name}: ${r.stderr}`)
  }
  write(
    backupAgentPaths.mongodConf,
    PACKAGED_MONGOD_CONF.replace('port: 27517', `port: ${model.env.network.mongoPort}`),
  )
  write('/etc/systemd/system/mongod.service', mongodUnit())
  // The boot script's last line: the hooks wait for it.
  write(backupAgentPaths.bootComplete, `${new Date().toISOString()}\n`)
  const reload = instanceExec(i, ['systemctl', 'daemon-reload'])
  if (reload.exitCode !== 0) throw new Error(`systemctl daemon-reload in ${i.name}: ${reload.stderr}`)
  assignAddress(i, model.env.database.address)
}
