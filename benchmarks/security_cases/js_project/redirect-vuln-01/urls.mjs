export function target(value) {
  return value || '/';
}
