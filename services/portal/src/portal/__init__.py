"""The portal: the web application officers, approvers and agencies use (QĐ 6187/QĐ-UBND Điều 10: they log in to
the software at a web address). A server-rendered client of profile-api and approval-api — never of the database:
every page calls the APIs with the person's own token, so every authorisation rule stays in the APIs."""
