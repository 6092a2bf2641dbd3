const repo = require('./repo');
exports.search = (term) => repo.like(term.trim());
