const fs = require('fs');
const path = require('path');
const BASE = '/srv/files';
function download(res, f) {
  const full = path.resolve(BASE, f);
  if (!full.startsWith(BASE + path.sep)) return res.sendStatus(403);
  res.sendFile(full);
}
module.exports = { download };
