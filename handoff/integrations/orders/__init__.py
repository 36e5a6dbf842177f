"""Order sources behind the `OrderProvider` port, chosen by ``AFTERSALES_ORDER_SOURCE``:
``store`` (the imported ``orders`` table), ``http`` (the shop's own order API, mapped by
``training_data/integrations/orders.yml``) and ``shopify`` (the Admin GraphQL API)."""
