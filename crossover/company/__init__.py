"""Company surveys (組織サーベイ): an organisation's own career ownership, round by round."""
