import { execSync } from 'child_process';
export default function archive(dir) {
  execSync(`tar czf /tmp/out.tgz ${dir}`);
}
