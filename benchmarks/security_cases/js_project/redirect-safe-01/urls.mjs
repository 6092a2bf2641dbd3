export function target(value) {
  return '/dashboard';
}
