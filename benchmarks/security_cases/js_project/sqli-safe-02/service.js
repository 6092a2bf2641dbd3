const repo = require('./repo');
exports.search = (term) => repo.like(parseInt(term, 10));
