import pg from 'pg';
const pool = new pg.Pool();
export async function findOrders(status: string) {
  return pool.query(`SELECT * FROM orders WHERE status = '${status}'`);
}
