// Every per-environment semantic rule, in the order their problems are reported (pure).
import { alarmNamesUnique, alarmScope, capacityWatched } from './alarms.ts'
import { appsPerGroup, productionRoom, scalingBounds } from './scaling.ts'
import { allowFromUsable, healthCheckTiming, spaRateLimit, staticRootByKind } from './apps.ts'
import { backupAlarm, backupSchedule } from './backup.ts'
import type { ReferenceRule, Rule } from './context.ts'
import { databaseAddress, databaseClientsExist, databaseGroupSingle, databaseSnapshots } from './database.ts'
import { bucketsDistinct, certificateMatches, secretsPrefixNamesEnv, vpnOutsideVpc, vpnPeerPublic } from './network.ts'
import { hostsUnique, portsValid, routesUnique } from './ports.ts'
import { instanceGroupsExist, stopAlarmsExist, topicsExist } from './references.ts'

/** Rules that only read names, safe before every app resolves. */
export const referenceRules: ReferenceRule[] = [instanceGroupsExist, topicsExist, stopAlarmsExist, databaseClientsExist]
/** Rules on the merged model. */
export const modelRules: Rule[] = [
  portsValid,
  hostsUnique,
  routesUnique,
  healthCheckTiming,
  staticRootByKind,
  spaRateLimit,
  allowFromUsable,
  alarmNamesUnique,
  alarmScope,
  capacityWatched,
  scalingBounds,
  productionRoom,
  appsPerGroup,
  backupSchedule,
  backupAlarm,
  databaseAddress,
  databaseSnapshots,
  databaseGroupSingle,
  vpnOutsideVpc,
  vpnPeerPublic,
  certificateMatches,
  bucketsDistinct,
  secretsPrefixNamesEnv,
]
