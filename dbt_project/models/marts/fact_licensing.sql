{{ domain_facts('licensing') }}
