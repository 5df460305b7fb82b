"""The specialists' network: a peer group per competence area (its specialists across
municipalities, national), its network meetings (conference series of kind
``peer_network``, the same session machinery) and its shared, de-identified thread."""
