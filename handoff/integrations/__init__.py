"""The product's connections to the shop's other systems: where orders come from
(``orders``) and whom case events are told (``webhooks``)."""
