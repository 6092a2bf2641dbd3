const mysql = require('mysql');
const conn = mysql.createConnection({});
exports.like = (t) => conn.query('SELECT * FROM items WHERE name LIKE "%' + t + '%"');
