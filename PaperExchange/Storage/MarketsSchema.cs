namespace MarketMaker.PaperExchange.Storage;

/// <summary>
/// The markets-service tables the bot and the paper exchange share (markets-service-api.md §5):
/// same table, column, constraint and index names as production.
/// </summary>
public static class MarketsSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS active_orders (
            order_id          text PRIMARY KEY,
            owner_address     text NOT NULL,
            signer_address    text NOT NULL,
            subaccount_id     numeric NOT NULL,
            recipient_id      numeric NOT NULL,
            nonce             numeric NOT NULL,
            side              text NOT NULL CHECK (side IN ('buy','sell')),
            asset_address     text NOT NULL,
            sub_id            numeric NOT NULL,
            desired_amount    text NOT NULL,
            filled_amount     text NOT NULL DEFAULT '0',
            limit_price       text NOT NULL,
            worst_fee         text NOT NULL,
            expiry            numeric NOT NULL,
            action_json       jsonb NOT NULL,
            signature         text NOT NULL,
            status            text NOT NULL,
            created_at        timestamptz NOT NULL DEFAULT now(),
            limit_price_ticks text NULL,
            CONSTRAINT active_orders_status_check CHECK (status IN ('active','matching','filled','cancelled','expired'))
        );
        CREATE UNIQUE INDEX IF NOT EXISTS active_orders_owner_nonce_idx ON active_orders (owner_address, nonce);
        CREATE INDEX IF NOT EXISTS active_orders_book_idx ON active_orders (asset_address, sub_id, side, status, limit_price, created_at);
        CREATE INDEX IF NOT EXISTS active_orders_book_ticks_idx ON active_orders (asset_address, sub_id, side, status, (limit_price_ticks::numeric), created_at);

        CREATE TABLE IF NOT EXISTS trade_fills (
            trade_id        bigserial PRIMARY KEY,
            asset_address   text NOT NULL,
            sub_id          numeric NOT NULL,
            price           text NOT NULL,
            size            text NOT NULL,
            aggressor_side  text NOT NULL CHECK (aggressor_side IN ('buy','sell')),
            taker_order_id  text NOT NULL,
            maker_order_id  text NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS trade_fills_market_time_idx ON trade_fills (asset_address, sub_id, created_at DESC, trade_id DESC);
        """;
}
