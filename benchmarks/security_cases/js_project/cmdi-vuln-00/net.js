const cp = require('child_process');
exports.ping = function (host) {
  cp.exec('ping -c 1 ' + host);
};
