// Preloaded into the Agents Playground's node process (node --require) by tests/test_teams_playground.py.
// The playground has no option for its listening address and binds every interface; this binds every server it
// starts to 127.0.0.1 instead. It also refuses any connection to a host that is not loopback (its telemetry
// client, for one, would otherwise try Microsoft's endpoints), and writes each refusal as a line to the file
// named by PLAYGROUND_REFUSED_LOG, which the test reads: a run that tried to reach out fails.
"use strict";
const fs = require("fs");
const net = require("net");

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

function refused(host) {
  const line = `refused connection to ${host}\n`;
  process.stderr.write(`loopback-only: ${line}`);
  if (process.env.PLAYGROUND_REFUSED_LOG) fs.appendFileSync(process.env.PLAYGROUND_REFUSED_LOG, line);
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  } else if (args[0] && typeof args[0] === "object" && args[0].path === undefined && !args[0].host) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0];
  let host = "localhost";
  if (options && typeof options === "object") {
    if (options.path !== undefined) return connect.apply(this, args);
    host = options.host || "localhost";
  } else if (typeof args[1] === "string") {
    host = args[1];
  }
  if (!LOOPBACK.test(String(host))) {
    refused(host);
    const error = new Error(`loopback-only: connection to ${host} refused`);
    error.code = "ECONNREFUSED";
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};
