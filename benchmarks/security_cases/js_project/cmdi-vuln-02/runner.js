const cp = require('child_process');
class Runner {
  convert(file) {
    cp.exec(`convert ${file} out.png`);
  }
}
module.exports = new Runner();
