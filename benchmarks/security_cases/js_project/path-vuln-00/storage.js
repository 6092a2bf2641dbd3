const fs = require('fs');
const path = require('path');
const BASE = '/srv/files';
module.exports = function load(name) {
  return fs.readFileSync(path.join(BASE, name), 'utf8');
};
