const ALLOWED = ['/home', '/account'];
exports.back = (res, target) => res.redirect(ALLOWED.includes(target) ? target : '/');
