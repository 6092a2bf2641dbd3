const escapeHtml = require('escape-html');
function clean(s) {
  return escapeHtml(String(s));
}
module.exports = { clean };
