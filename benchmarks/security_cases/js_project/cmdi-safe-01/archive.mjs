import { execSync } from 'child_process';
import { quote } from 'shell-quote';
export default function archive(dir) {
  execSync(`tar czf /tmp/out.tgz ${quote([dir])}`);
}
