const cp = require('child_process');
exports.ping = function (host) {
  cp.execFile('ping', ['-c', '1', host]);
};
