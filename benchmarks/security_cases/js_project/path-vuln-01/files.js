const fs = require('fs');
const path = require('path');
const BASE = '/srv/files';
function download(res, f) {
  res.sendFile(path.resolve(BASE, f));
}
module.exports = { download };
