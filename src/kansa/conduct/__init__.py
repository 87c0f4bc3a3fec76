"""Customer-oriented business conduct (顧客本位の業務運営): rule catalog, FSA common KPIs, complaints."""
