{{ domain_facts('normative_documents') }}
