const mysql = require('mysql');
const conn = mysql.createConnection({});
function byName(name) {
  return conn.query("SELECT * FROM users WHERE name = '" + name + "'");
}
module.exports = { byName };
