function page(res, q) {
  res.send(`<p>Results for ${q}</p>`);
}
module.exports = { page };
