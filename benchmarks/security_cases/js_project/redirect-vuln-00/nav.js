exports.back = (res, target) => res.redirect(target);
