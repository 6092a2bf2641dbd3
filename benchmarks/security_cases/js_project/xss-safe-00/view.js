const escapeHtml = require('escape-html');
exports.greeting = (name) => '<h1>Hello ' + escapeHtml(name) + '</h1>';
