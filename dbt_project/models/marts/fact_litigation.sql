{{ domain_facts('litigation') }}
