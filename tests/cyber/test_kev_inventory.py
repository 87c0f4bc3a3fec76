"""KEV matching quality on a regional bank's software inventory, each expectation written by hand.

The unit is (installed row, KEV product name): the KEV product names that really name the installed
product or one of its parts (Windows' Win32k, Office's Excel, Chrome's V8 ...). Precision and recall are
measured on the real CISA catalog; near misses (Visual Studio Code, IOS XE vs classic IOS, FortiClient vs
FortiClient EMS, 弥生会計, 勘定系) must not match.
"""

from __future__ import annotations

from pathlib import Path

from kansa.cyber.kev import load_kev
from kansa.cyber.kev_match import match_software

# Windows and the parts of it that KEV lists as products of their own.
WINDOWS = {
    "Windows",
    "ATM Font Driver",
    "Ancillary Function Driver (afd.sys)",
    "Client-Server Run-time Subsystem (CSRSS)",
    "DWM Core Library",
    "DirectX Graphics Kernel (DXGKRNL)",
    "Enhanced Cryptographic Provider",
    "Graphics Component",
    "Graphics Device Interface (GDI)",
    "HTTP Protocol Stack",
    "HTTP.sys",
    "Input Method Editor (IME) Japanese",
    "MSHTML",
    "Remote Desktop Services",
    "SMBv1",
    "SMBv1 server",
    "SMBv3",
    "SmartScreen Prompt",
    "Streaming Service",
    "Streaming Service Proxy",
    "Task Scheduler",
    "Update Notification Manager",
    "Win32k",
    "WinVerifyTrust function",
    "Windows CNG Key Isolation Service",
    "Windows COM+ Event System Service",
    "XML Core Services",
    "WordPad",
    "Office and WordPad",
    "Hyper-V RemoteFX",
}
OFFICE = {"Office", "Office Outlook", "Office and WordPad", "Excel", "Word", "PowerPoint", "Outlook", "Publisher"}
CHROMIUM = {
    "Chromium",
    "Chromium Animation",
    "Chromium Blink",
    "Chromium GPU",
    "Chromium Indexed DB API",
    "Chromium Intents",
    "Chromium Mojo",
    "Chromium Network Service",
    "Chromium PopupBlocker",
    "Chromium Portals",
    "Chromium Skia",
    "Chromium V8",
    "Chromium WebGL",
    "Chromium WebP",
    "Chromium WebRTC",
    "Chromium libvpx",
}
CHROME = CHROMIUM | {"Chrome", "Chrome Blink", "Chrome FreeType", "Chrome Media", "Chrome WebAudio"}
EDGE = CHROMIUM | {"Edge", "Edge and Internet Explorer", "Internet Explorer and Edge"}
FORTIOS = {"FortiOS", "FortiOS and FortiADC", "FortiOS and FortiProxy", "FortiOS and FortiProxy SSL-VPN"}
IOS_XE = {
    "IOS XE Software",
    "IOS and IOS XE",
    "IOS and IOS XE Software",
    "IOS Software and Cisco IOS XE Software",
    "Cisco IOS XE Web UI",
    "IOS XE Web UI",
    "IOS, IOS XR, and IOS XE",
    "IOS, XR, and XE Software",
}
NETSCALER = {
    "Application Delivery Controller (ADC) and Gateway",
    "Application Delivery Controller (ADC), Gateway, and SD-WAN WANOP Appliance",
    "NetScaler ADC and Gateway",
    "NetScaler ADC and NetScaler Gateway",
}
CONNECT_SECURE = {
    "Connect Secure and Policy Secure",
    "Connect Secure, Policy Secure, and Neurons",
    "Connect Secure, Policy Secure, and ZTA Gateways",
    "Pulse Connect Secure",
    "Pulse Connect Secure and Pulse Policy Secure",
}
ACROBAT_READER = {"Acrobat and Reader", "Acrobat and Reader, Flash Player", "Reader", "Reader and Acrobat"}
JAVA = {"Java Runtime Environment (JRE)", "Java SE", "Java SE JDK and JRE", "Java SE and JRockit"}
ESXI = {"ESXi", "ESXi and Workstation", "ESXi, Workstation, and Fusion", "VMware ESXi and Horizon DaaS"}
VCENTER = {"vCenter Server", "vCenter Server and Cloud Foundation"}
APEX_ONE = {
    "Apex One",
    "Apex One and Apex One as a Service",
    "Apex One and OfficeScan",
    "Apex One and Worry-Free Business Security",
    "Apex One, Apex One as a Service, and Worry-Free Business Security",
    "Apex One, OfficeScan and Worry-Free Business Security Agents",
    "Apex One, OfficeScan, and Worry-Free Business Security",
}
NONE: set[str] = set()

# (asset, vendor as the register writes it, product, version, KEV product names that apply)
INVENTORY: list[tuple[str, str, str, str, set[str]]] = [
    # servers of the head office data centre
    ("SV-DC01", "Microsoft Corporation", "Windows Server 2019 Datacenter", "1809", WINDOWS),
    (
        "SV-DC01",
        "Microsoft",
        "Active Directory Domain Services",
        "2019",
        {"Active Directory", "Kerberos Key Distribution Center (KDC)", "Netlogon"},
    ),
    ("SV-FS01", "Microsoft Corporation", "Windows Server 2016 Standard", "1607", WINDOWS),
    ("SV-MAIL01", "Microsoft Corporation", "Microsoft Exchange Server 2016", "CU23", {"Exchange", "Exchange Server"}),
    ("SV-MAIL01", "Microsoft Corporation", "Windows Server 2016 Standard", "1607", WINDOWS),
    ("SV-WEB01", "Microsoft", "Internet Information Services", "10.0", {"Internet Information Services (IIS)"}),
    ("SV-DB01", "Microsoft Corporation", "SQL Server 2019 Standard", "15.0.4345", {"SQL Server"}),
    ("SV-DB01", "Microsoft Corporation", "SQL Server Management Studio", "19.1", NONE),
    (
        "SV-SP01",
        "Microsoft Corporation",
        "SharePoint Server 2016",
        "16.0.5439",
        {"SharePoint", "SharePoint Server", ".NET Framework, SharePoint, Visual Studio"},
    ),
    (
        "SV-AP01",
        "Microsoft Corporation",
        "Microsoft .NET Framework 4.8",
        "4.8.04084",
        {".NET Framework", ".NET Framework, SharePoint, Visual Studio"},
    ),
    ("SV-WSUS", "Microsoft Corporation", "Windows Server Update Services", "10.0", NONE),
    ("SV-WEB02", "The Apache Software Foundation", "Apache HTTP Server", "2.4.49", {"HTTP Server"}),
    ("SV-AP02", "Apache Software Foundation", "Apache Tomcat", "9.0.65", {"Tomcat"}),
    ("SV-AP02", "Apache Software Foundation", "Apache Struts 2", "2.5.30", {"Struts", "Struts 2"}),
    ("SV-AP02", "Apache", "Log4j", "2.17.1", {"Log4j2"}),
    ("SV-WEB02", "OpenSSL Project", "OpenSSL", "1.1.1w", {"OpenSSL"}),
    ("SV-AP03", "Oracle Corporation", "Oracle WebLogic Server", "12.2.1.4", {"WebLogic Server"}),
    ("SV-DB02", "Oracle Corporation", "Oracle Database 19c Enterprise Edition", "19.21", NONE),
    ("SV-DB03", "Oracle Corporation", "MySQL Server", "8.0.36", NONE),
    ("SV-VC01", "VMware, Inc.", "VMware vCenter Server", "7.0 U3", VCENTER),
    ("SV-ESX01", "VMware by Broadcom", "VMware ESXi", "7.0 U3", ESXI),
    ("SV-ESX01", "VMware, Inc.", "VMware Tools", "12.3", {"Tools"}),
    ("SV-BK01", "Veeam Software", "Veeam Backup & Replication", "12.1", {"Backup & Replication"}),
    ("SV-BK02", "Arcserve", "Arcserve Unified Data Protection", "9.2", {"Unified Data Protection (UDP)"}),
    ("SV-MON01", "Zabbix", "Zabbix Server", "6.0", NONE),
    # a distribution row gets the Linux kernel (tests/data/kev_inventory/README.md rule R2)
    ("SV-LX01", "Red Hat", "Red Hat Enterprise Linux", "8.8", {"Kernel"}),
    ("SV-LX01", "Linux", "Kernel", "4.18", {"Kernel"}),
    ("SV-LX01", "Sudo", "sudo", "1.8.29", {"Sudo"}),
    ("SV-LX01", "OpenBSD", "OpenSSH", "8.0p1", NONE),
    # OfficeScan = Apex One = ウイルスバスター Corp. (renamed; README rule R1)
    ("SV-AV01", "Trend Micro Incorporated", "Apex One", "2019", APEX_ONE | {"OfficeScan"}),
    ("SV-AV01", "Trend Micro Incorporated", "Apex Central", "2019", {"Apex Central"}),
    ("SV-FT01", "Progress Software Corporation", "MOVEit Transfer", "2023.0.1", {"MOVEit Transfer"}),
    (
        "SV-JIRA",
        "Atlassian",
        "Confluence Server",
        "7.13.7",
        {
            "Confluence",
            "Confluence Data Center and Server",
            "Confluence Server",
            "Confluence Server and Data Center",
            "Confluence Server and Data Server",
            "Confluence Server/Data Center",
        },
    ),
    ("SV-JIRA", "Atlassian", "Jira Software", "9.4", {"Jira Server and Data Center"}),  # self-managed = Jira Server
    # network and perimeter
    ("NW-FW01", "Fortinet, Inc.", "FortiOS", "7.2.4", FORTIOS),
    ("NW-FW01", "Fortinet", "FortiAnalyzer", "7.2.2", NONE),
    ("NW-EMS01", "Fortinet", "FortiClient EMS", "7.0.7", {"FortiClient EMS"}),
    ("NW-RT01", "Cisco Systems, Inc.", "Cisco IOS XE Software", "17.9.4", IOS_XE),
    (
        "NW-RT02",
        "Cisco Systems, Inc.",
        "Cisco IOS",
        "15.2(7)E",
        {
            "IOS",
            "IOS Software",
            "IOS Software and Cisco IOS XE Software",
            "IOS and IOS XE",
            "IOS and IOS XE Software",
            "IOS software",
            "IOS, IOS XR, and IOS XE",
            "IOS, XR, and XE Software",
        },
    ),
    (
        "NW-ASA01",
        "Cisco Systems, Inc.",
        "Adaptive Security Appliance (ASA) Software",
        "9.16.4",
        {
            "Adaptive Security Appliance (ASA)",
            "Adaptive Security Appliance (ASA) and Firepower Threat Defense (FTD)",
            "Adaptive Security Appliance and Firepower Threat Defense",
        },
    ),
    ("NW-LB01", "Citrix Systems, Inc.", "Citrix ADC", "13.1-49.13", NETSCALER),
    ("NW-LB01", "Citrix Systems, Inc.", "NetScaler Gateway", "13.1", NETSCALER),
    ("NW-VPN01", "Ivanti", "Ivanti Connect Secure", "22.3R1", CONNECT_SECURE),
    (
        "NW-MDM01",
        "Ivanti",
        "Ivanti Endpoint Manager Mobile",
        "11.10",
        {"Endpoint Manager Mobile (EPMM)", "Endpoint Manager Mobile (EPMM) and MobileIron Core",
         "MobileIron Multiple Products"},  # README rule B
    ),
    ("NW-FW02", "Palo Alto Networks", "PAN-OS", "10.2.3", {"PAN-OS"}),
    (
        "NW-LB02",
        "F5",
        "BIG-IP",
        "16.1.3",
        {
            "BIG-IP",
            "BIG-IP Configuration Utility",
            "BIG-IP Traffic Management Microkernel",
            "BIG-IP and BIG-IQ Centralized Management",
        },
    ),
    ("NW-SW01", "Hewlett Packard Enterprise", "Aruba CX 6300", "10.10", NONE),
    # branch and head-office PCs
    ("PC-STD", "Microsoft Corporation", "Windows 10 Enterprise", "22H2", WINDOWS),
    ("PC-NEW", "Microsoft Corporation", "Windows 11 Pro", "23H2", WINDOWS),
    ("PC-STD", "Microsoft Corporation", "Microsoft Office Professional Plus 2019", "16.0.10407", OFFICE),
    ("PC-STD", "Microsoft Corporation", "Microsoft Excel 2016", "16.0.5422", {"Excel"}),
    ("PC-STD", "Microsoft Corporation", "Microsoft Teams", "24004", NONE),
    ("PC-STD", "Microsoft Corporation", "Microsoft Edge", "120.0.2210", EDGE),
    (
        "PC-STD",
        "Microsoft Corporation",
        "Internet Explorer 11",
        "11.0.19041",
        {
            "Internet Explorer",
            "Internet Explorer Scripting Engine",
            "Internet Explorer and Edge",
            "Edge and Internet Explorer",
            "MSHTML",  # IE's engine (README rule R2)
        },
    ),
    (
        "PC-STD",
        "Microsoft Corporation",
        "Microsoft Defender Antivirus",
        "4.18",
        {"Defender", "Malware Protection Engine"},
    ),
    ("PC-DEV", "Microsoft Corporation", "Microsoft Visual Studio Code", "1.85.1", NONE),
    (
        "PC-DEV",
        "Microsoft Corporation",
        "Visual Studio Professional 2019",
        "16.11",
        {".NET Core and Visual Studio", ".NET Framework, SharePoint, Visual Studio"},
    ),
    ("PC-STD", "Adobe Inc.", "Adobe Acrobat Reader DC", "23.008", ACROBAT_READER),
    (
        "PC-STD",
        "Adobe",
        "Adobe Acrobat Pro DC",
        "23.008",
        {"Acrobat and Reader", "Acrobat and Reader, Flash Player", "Reader and Acrobat"},
    ),
    ("PC-STD", "Igor Pavlov", "7-Zip", "19.00", {"7-Zip"}),
    ("PC-STD", "win.rar GmbH", "WinRAR", "6.22", {"WinRAR"}),  # KEV lists it under its author RARLAB
    ("PC-STD", "Oracle Corporation", "Java 8 Update 391", "8.0.3910", JAVA),
    ("PC-DEV", "Oracle Corporation", "Java SE Development Kit 17", "17.0.9", JAVA),
    ("PC-DEV", "Eclipse Adoptium", "Eclipse Temurin JDK 17", "17.0.9", NONE),
    ("PC-STD", "Google LLC", "Google Chrome", "120.0.6099", CHROME),
    (
        "PC-STD",
        "Mozilla",
        "Mozilla Firefox ESR",
        "115.6",
        {"Firefox", "Firefox and Thunderbird", "Firefox, Firefox ESR, and Thunderbird"},
    ),
    ("PC-STD", "TeamViewer", "TeamViewer", "15.49", {"Desktop"}),  # KEV's 'Desktop' is the TeamViewer app
    ("PC-STD", "Cisco Systems, Inc.", "Cisco AnyConnect Secure Mobility Client", "4.10", {"AnyConnect Secure"}),
    ("PC-STD", "Fortinet", "FortiClient", "7.0.9", NONE),
    ("PC-STD", "Zoom Video Communications", "Zoom Workplace", "6.0", NONE),
    # added after a first held-out run (see the report): matched since, or rightly left alone
    ("PC-STD", "Microsoft Corporation", "Microsoft Outlook 2016", "16.0.5422", {"Outlook", "Office Outlook"}),
    ("PC-DEV", "Oracle Corporation", "Oracle VM VirtualBox", "7.0.12", {"VirtualBox"}),
    ("PC-STD", "Mozilla", "Thunderbird", "115.6", {"Firefox and Thunderbird", "Firefox, Firefox ESR, and Thunderbird"}),
    (
        "PC-STD",
        "トレンドマイクロ株式会社",
        "ウイルスバスター Corp.",
        "XG",
        APEX_ONE | {"OfficeScan"},
    ),
    ("SV-ADM01", "Microsoft Corporation", "Windows Admin Center", "2311", NONE),
    ("PC-STD", "Microsoft Corporation", "Microsoft Remote Desktop", "10.2", NONE),
    ("PC-STD", "Google LLC", "Chrome Remote Desktop Host", "120.0", NONE),
    ("PC-STD", "Microsoft Corporation", "Microsoft Power BI Desktop", "2.124", NONE),
    # Japanese packages: no KEV entries
    ("PC-ACC", "弥生株式会社", "弥生会計 24", "30.1.2", NONE),
    ("PC-ACC", "株式会社オービックビジネスコンサルタント", "勘定奉行クラウド", "2024", NONE),
    ("SV-CORE", "株式会社エヌ・ティ・ティ・データ", "BeSTA 勘定系システム", "2.0", NONE),
    ("SV-CORE", "富士通株式会社", "PROBANK 勘定系パッケージ", "3.1", NONE),
    ("SV-INFO", "日本電気株式会社", "BankingWeb21 情報系", "5.0", NONE),
    ("PC-STD", "Sky株式会社", "SKYSEA Client View", "19.2", NONE),
    ("SV-OPS", "株式会社日立製作所", "JP1/Automatic Job Management System 3", "12-60", NONE),
    ("PC-STD", "ジャストシステム", "一太郎 2024", "34.0", NONE),
]


def test_the_inventory_is_a_realistic_size() -> None:
    assert len(INVENTORY) >= 60


def _measure(shared_data: Path) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    catalog = load_kev(shared_data / "cisa_kev" / "known_exploited_vulnerabilities.json")
    rows = [
        {"asset_id": f"{i}", "vendor": v, "product": p, "version": ver}
        for i, (_, v, p, ver, _e) in enumerate(INVENTORY)
    ]
    found = {(int(m["asset_id"]), m["kev_product"].strip()) for m in match_software(rows, catalog).to_pylist()}
    expected = {(i, name) for i, row in enumerate(INVENTORY) for name in row[4]}
    return found, expected


def test_kev_matching_precision_and_recall_on_a_bank_inventory(shared_data: Path) -> None:
    found, expected = _measure(shared_data)
    right = found & expected
    precision, recall = len(right) / len(found), len(right) / len(expected)
    wrong = sorted((INVENTORY[i][2], name) for i, name in found - expected)
    missed = sorted((INVENTORY[i][2], name) for i, name in expected - found)
    print(
        f"KEV inventory: pairs expected {len(expected)}, found {len(found)}, precision {precision:.3f}, "
        f"recall {recall:.3f}; wrong {wrong}; missed {missed}"
    )
    assert precision >= 0.98, wrong
    assert recall >= 0.95, missed


def test_near_misses_of_the_inventory_match_nothing(shared_data: Path) -> None:
    found, _ = _measure(shared_data)
    matched_rows = {i for i, _ in found}
    near_misses = [row[2] for i, row in enumerate(INVENTORY) if not row[4] and i in matched_rows]
    assert near_misses == []
