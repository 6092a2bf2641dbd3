CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    email VARCHAR(200) NOT NULL UNIQUE,
    age INT CHECK (age >= 0),
    role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id INT NOT NULL REFERENCES users (id),
    status order_status NOT NULL DEFAULT 'new',
    total NUMERIC(10, 2) NOT NULL
);

CREATE INDEX ix_orders_status ON orders (status);
