// MongoDB's package mongod.conf as the launch template's boot script leaves it, for ops mongo-tls and the database
// instance stand-in (database-instance.ts) to start from (pure data).

/** What MongoDB 7.0's package installs, after the launch template's edits (custom port, loopback, authorization). */
export const PACKAGED_MONGOD_CONF = `# mongod.conf

# for documentation of all options, see:
#   http://docs.mongodb.org/manual/reference/configuration-options/

# where to write logging data.
systemLog:
  destination: file
  logAppend: true
  path: /var/log/mongodb/mongod.log

# Where and how to store data.
storage:
  dbPath: /var/lib/mongo

# how the process runs
processManagement:
  timeZoneInfo: /usr/share/zoneinfo

# network interfaces
net:
  port: 27517
  bindIp: 127.0.0.1  # Enter 0.0.0.0,:: to bind to all IPv4 and IPv6 addresses or, alternatively, use the net.bindIpAll setting.

#security:
security:
  authorization: enabled
`
